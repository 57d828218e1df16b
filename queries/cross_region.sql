-- title: 人户分离人员 / Persons managed outside their household county
-- description: Existing persons (现有吸毒人员) whose household (hukou) county differs from the
-- description: county of their managing region at the reference date (the cross_region_share metric).
-- param: region text default "" "区划代码前缀 / region code prefix of the managing region"
SELECT
  ps.mgmt_county,
  r.name AS mgmt_county_name,
  ps.hukou_county,
  h.name AS hukou_county_name,
  ps.person_id,
  ps.mgmt_region,
  ps.hukou_region,
  ps.under_community_measure
FROM person_status ps
LEFT JOIN regions r ON r.code = ps.mgmt_county
LEFT JOIN regions h ON h.code = ps.hukou_county
WHERE ps.existing
  AND ps.hukou_county <> ps.mgmt_county
  AND STARTS_WITH(ps.mgmt_region, {region})
ORDER BY ps.mgmt_county, ps.hukou_county, ps.person_id

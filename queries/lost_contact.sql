-- title: 失联人员 / Persons who lost contact
-- description: Persons not dead or departed, with no measure in force at the reference date,
-- description: whose latest community measure ended as lost contact (脱失/失控), by managing county.
-- param: region text default "" "区划代码前缀 / region code prefix of the managing region"
SELECT
  ps.mgmt_county AS county,
  r.name AS county_name,
  ps.mgmt_region,
  ps.person_id,
  ps.sex,
  ps.age,
  ps.primary_drug,
  ps.lost_contact_date,
  ps.last_use
FROM person_status ps
LEFT JOIN regions r ON r.code = ps.mgmt_county
WHERE ps.lost_contact AND STARTS_WITH(ps.mgmt_region, {region})
ORDER BY county, ps.lost_contact_date, ps.person_id

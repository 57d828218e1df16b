-- title: 帮扶服务（按类型、乡镇） / Services delivered by type and township
-- description: Services dated in the year, by township (the delivering officer's region, or the
-- description: person's managing region when no officer is recorded) and service type.
-- param: year integer default $year "年份 / year"
-- param: region text default "" "区划代码前缀 / region code prefix"
WITH s AS (
  SELECT
    COALESCE(o.region, ps.mgmt_region) AS township,
    s.service_type,
    s.person_id
  FROM services s
  LEFT JOIN officers o ON o.officer_id = s.officer_id
  LEFT JOIN person_status ps ON ps.person_id = s.person_id
  WHERE DATE_PART('year', s.date) = {year}
)
SELECT s.township, r.name AS township_name, s.service_type,
  COUNT(*) AS n_services, COUNT(DISTINCT s.person_id) AS persons
FROM s
LEFT JOIN regions r ON r.code = s.township
WHERE STARTS_WITH(s.township, {region})
GROUP BY s.township, r.name, s.service_type
ORDER BY s.township, s.service_type

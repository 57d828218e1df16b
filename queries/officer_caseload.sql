-- title: 超配比专干 / Officers above the 1:20 caseload
-- description: Officers serving at the reference date whose persons under a community measure
-- description: (their latest executing community measure names the officer) exceed the ratio.
-- param: ratio integer default 20 "配比上限 / persons per officer"
-- param: region text default "" "区划代码前缀 / region code prefix of the officer"
WITH active AS (
  SELECT officer_id, region FROM officers
  WHERE start_date <= {as_of} AND (end_date IS NULL OR end_date > {as_of})
),
caseload AS (
  SELECT m.officer_id, COUNT(*) AS persons
  FROM person_status ps
  JOIN measures m ON m.measure_id = ps.community_measure_id
  WHERE ps.under_community_measure AND m.officer_id IS NOT NULL
  GROUP BY m.officer_id
)
SELECT a.region AS township, r.name AS township_name, a.officer_id, c.persons
FROM active a
JOIN caseload c ON c.officer_id = a.officer_id
LEFT JOIN regions r ON r.code = a.region
WHERE c.persons > {ratio} AND STARTS_WITH(a.region, {region})
ORDER BY c.persons DESC, a.officer_id

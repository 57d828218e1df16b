-- title: 本季度逾期未检测人员 / Persons overdue for a test this quarter
-- description: Persons under a community measure (executing at the reference date and reported
-- description: by the first day of its quarter) with no negative or positive test from the start of
-- description: the quarter to the reference date, by township of the measure. Dead and departed
-- description: persons are left out.
-- param: region text default "" "区划代码前缀 / region code prefix, e.g. 640324"
WITH m AS (
  SELECT person_id, measure_id, measure_type, region, report_date
  FROM measures_in_force
  WHERE community AND executing
    AND report_date <= {quarter_start}
    AND STARTS_WITH(region, {region})
),
gone AS (
  SELECT person_id FROM persons
  WHERE death_date <= {as_of} OR departure_date <= {as_of}
),
t AS (
  SELECT person_id, MAX(date) AS last_test
  FROM tests
  WHERE result <> 'refused' AND date <= {as_of}
  GROUP BY person_id
)
SELECT
  m.region AS township,
  r.name AS township_name,
  m.person_id,
  m.measure_id,
  m.measure_type,
  m.report_date,
  t.last_test
FROM m
LEFT JOIN t ON t.person_id = m.person_id
LEFT JOIN gone g ON g.person_id = m.person_id
LEFT JOIN regions r ON r.code = m.region
WHERE (t.last_test IS NULL OR t.last_test < {quarter_start})
  AND g.person_id IS NULL
ORDER BY township, m.person_id

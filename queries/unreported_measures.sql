-- title: 决定未报到的社区戒毒康复 / Community measures decided but not reported
-- description: Community measures in force at the reference date whose person has not reported,
-- description: at least the given number of days after the decision.
-- param: days integer default 15 "决定后天数 / days since the decision"
-- param: region text default "" "区划代码前缀 / region code prefix of the measure"
SELECT
  m.region AS township,
  r.name AS township_name,
  m.measure_id,
  m.person_id,
  m.measure_type,
  m.decision_date,
  m.days_in_force AS waiting_days
FROM measures_in_force m
LEFT JOIN regions r ON r.code = m.region
WHERE m.community AND NOT m.executing
  AND m.days_in_force >= {days}
  AND STARTS_WITH(m.region, {region})
ORDER BY township, m.decision_date, m.measure_id

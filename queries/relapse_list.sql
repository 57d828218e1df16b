-- title: 复吸队列名单 / Relapse list of a cohort
-- description: The members of a relapse cohort (METRICS.md): entry community (first community
-- description: measure report in the year) or release (from compulsory isolation), with index date,
-- description: relapse (first detection or positive test after it) and follow-up.
-- param: entry text default "community" "入组方式 / community or release"
-- param: year integer default $year "入组年份 / entry year"
-- param: region text default "" "区划代码前缀 / region code prefix of the entry measure"
SELECT county, region, person_id, measure_id, index_date, relapsed, relapse_date,
  followup_end, followup_days, sex, age_group, primary_drug
FROM cohort_members
WHERE entry = {entry} AND year = {year} AND STARTS_WITH(region, {region})
ORDER BY county, region, index_date, person_id

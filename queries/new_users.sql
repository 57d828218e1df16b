-- title: 新发现吸毒人员（按毒品、年龄组） / New users by drug and age group
-- description: Persons first found in the year, by primary drug and age group at first finding
-- description: (the new_users metric, attributed to first_found_region).
-- param: year integer default $year "年份 / year"
-- param: region text default "" "区划代码前缀 / region code prefix of the first-found region"
SELECT primary_drug, age_group_at_found AS age_group, COUNT(*) AS n
FROM person_status
WHERE DATE_PART('year', first_found_date) = {year}
  AND STARTS_WITH(first_found_region, {region})
GROUP BY primary_drug, age_group_at_found
ORDER BY primary_drug, age_group

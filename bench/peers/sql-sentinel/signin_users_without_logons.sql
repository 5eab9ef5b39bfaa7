-- split(UserPrincipalName, "@")[0]: the text before the first "@" (all of it without one).
-- leftanti as NOT IN (an index SQLite builds once; NOT EXISTS with lower() rescans the table per
-- row); no name is null on either side, where NOT IN and leftanti would differ.
SELECT UserPrincipalName, Name, count(*) AS SignIns, count(DISTINCT AppDisplayName) AS Apps
FROM (SELECT *, lower(CASE WHEN instr(UserPrincipalName, '@') > 0
                           THEN substr(UserPrincipalName, 1, instr(UserPrincipalName, '@') - 1)
                           ELSE UserPrincipalName END) AS Name
      FROM SigninLogs WHERE ResultType = '0')
WHERE Name NOT IN (SELECT lower(TargetUserName) FROM SecurityEvent WHERE EventID = 4624 AND TargetUserName IS NOT NULL)
GROUP BY UserPrincipalName, Name;

-- mv-expand: one row per element of the array (json_each); none for an empty one.
SELECT UserPrincipalName, json_extract(p.value, '$.displayName') AS Policy, count(*) AS Failures,
       count(DISTINCT IPAddress) AS IPs, json_group_array(DISTINCT IPAddress) AS IPSet
FROM SigninLogs s, json_each(s.ConditionalAccessPolicies) p
WHERE s.ConditionalAccessStatus = 'failure' AND json_extract(p.value, '$.result') = 'failure'
GROUP BY UserPrincipalName, json_extract(p.value, '$.displayName');

SELECT Src, substr(TimeGenerated, 1, 13) || ':00:00.0000000Z' AS TimeGenerated, count(*) AS Events,
       count(DISTINCT Kind) AS Kinds, json_group_array(DISTINCT Kind) AS KindSet
FROM (SELECT TimeGenerated, SourceIP AS Src, 'firewall-deny' AS Kind FROM CommonSecurityLog WHERE DeviceAction IN ('deny', 'drop')
      UNION ALL
      SELECT TimeGenerated, IpAddress, 'windows-logon-failure' FROM SecurityEvent WHERE EventID = 4625
      UNION ALL
      SELECT TimeGenerated, IPAddress, 'signin-failure' FROM SigninLogs WHERE ResultType != '0')
GROUP BY Src, substr(TimeGenerated, 1, 13)
HAVING count(DISTINCT Kind) >= 2;

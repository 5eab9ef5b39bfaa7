SELECT SourceTable, substr(TimeGenerated, 1, 13) || ':00:00.0000000Z' AS TimeGenerated, count(*) AS Rows
FROM (SELECT 'SigninLogs' AS SourceTable, TimeGenerated FROM SigninLogs
      UNION ALL SELECT 'SecurityEvent', TimeGenerated FROM SecurityEvent
      UNION ALL SELECT 'CommonSecurityLog', TimeGenerated FROM CommonSecurityLog)
GROUP BY SourceTable, substr(TimeGenerated, 1, 13);

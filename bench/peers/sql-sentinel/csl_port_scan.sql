-- ipv4_is_private: 10/8, 172.16/12, 192.168/16.
SELECT SourceIP, substr(TimeGenerated, 1, 13) || ':00:00.0000000Z' AS TimeGenerated,
       count(DISTINCT DestinationPort) AS AttemptedPortsCount, count(*) AS Attempts
FROM CommonSecurityLog
WHERE DeviceAction IN ('deny', 'drop')
  AND NOT (SourceIP LIKE '10.%' OR SourceIP LIKE '192.168.%'
           OR (SourceIP LIKE '172.%' AND CAST(substr(SourceIP, 5) AS INTEGER) BETWEEN 16 AND 31))
GROUP BY SourceIP, substr(TimeGenerated, 1, 13)
HAVING count(DISTINCT DestinationPort) > 30;

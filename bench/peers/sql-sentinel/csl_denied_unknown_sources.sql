-- leftanti as NOT IN (no SourceIP or IPAddress is null, where the two would differ).
SELECT SourceIP, count(DISTINCT DestinationPort) AS Ports, count(*) AS Hits
FROM CommonSecurityLog
WHERE DeviceAction IN ('deny', 'drop') AND DestinationIP = '52.160.10.5'
  AND SourceIP NOT IN (SELECT IPAddress FROM SigninLogs WHERE IPAddress IS NOT NULL)
GROUP BY SourceIP;

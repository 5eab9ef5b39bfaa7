-- make_set_if(TargetUserName, isnotempty(TargetUserName)): the FILTER; no match gives []. The
-- right side is materialized first (else SQLite's plan scans SecurityEvent once per left row).
WITH u AS MATERIALIZED (SELECT IpAddress, TargetUserName FROM SecurityEvent WHERE EventID = 4624 AND LogonType = 2)
SELECT b.SourceIP, b.Beacons, b.Destinations,
       json_group_array(DISTINCT u.TargetUserName) FILTER (WHERE u.TargetUserName IS NOT NULL AND u.TargetUserName != '') AS Users
FROM (SELECT SourceIP, count(*) AS Beacons, count(DISTINCT DestinationIP) AS Destinations
      FROM CommonSecurityLog WHERE DestinationPort = 8443 AND DeviceAction = 'allow' GROUP BY SourceIP) b
LEFT JOIN u ON b.SourceIP = u.IpAddress
GROUP BY b.SourceIP, b.Beacons, b.Destinations;

-- innerunique keeps one left row per key: the left side is the key alone, so DISTINCT is exactly
-- that (a plain inner join would repeat each success once per failure).
SELECT s.TimeGenerated, s.Computer, s.TargetAccount, s.IpAddress
FROM (SELECT DISTINCT IpAddress FROM SecurityEvent WHERE EventID = 4625 AND LogonType = 10) f
JOIN SecurityEvent s ON s.IpAddress = f.IpAddress
WHERE s.EventID = 4624 AND s.LogonType = 10;

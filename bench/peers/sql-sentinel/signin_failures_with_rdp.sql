-- countif(isnotempty(Computer)): the left rows without a match have a null Computer. The right
-- side is materialized first (else SQLite's plan scans SecurityEvent once per left row).
WITH r AS MATERIALIZED (SELECT IpAddress, Computer FROM SecurityEvent WHERE EventID = 4625 AND LogonType = 10)
SELECT s.IPAddress, s.SigninFailures, s.Users, count(r.Computer) AS RdpFailures, count(DISTINCT r.Computer) AS RdpTargets
FROM (SELECT IPAddress, count(*) AS SigninFailures, count(DISTINCT UserPrincipalName) AS Users
      FROM SigninLogs WHERE ResultType IN ('50126', '50053') GROUP BY IPAddress HAVING count(*) >= 5) s
LEFT JOIN r ON s.IPAddress = r.IpAddress
GROUP BY s.IPAddress, s.SigninFailures, s.Users;

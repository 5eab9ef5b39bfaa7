SELECT s.IPAddress, s.FailedPrincipalCount, s.StartTime, s.EndTime,
       count(*) AS VpnFailures, count(DISTINCT v.SourceUserName) AS VpnUsers
FROM (SELECT IPAddress, count(DISTINCT UserPrincipalName) AS FailedPrincipalCount,
             min(TimeGenerated) AS StartTime, max(TimeGenerated) AS EndTime
      FROM SigninLogs WHERE ResultType IN ('50126', '50053', '50055')
      GROUP BY IPAddress HAVING count(DISTINCT UserPrincipalName) >= 5) s
JOIN CommonSecurityLog v ON v.SourceIP = s.IPAddress
WHERE v.DeviceVendor = 'Fortinet' AND v.Activity = 'ssl-login-fail'
GROUP BY s.IPAddress, s.FailedPrincipalCount, s.StartTime, s.EndTime;

SELECT b.SourceUserName, b.Blocks, b.BlockedUrls, count(*) AS SignIns, json_group_array(DISTINCT s.AppDisplayName) AS Apps
FROM (SELECT SourceUserName, count(*) AS Blocks, count(DISTINCT RequestURL) AS BlockedUrls
      FROM CommonSecurityLog WHERE DeviceVendor = 'Zscaler' AND DeviceAction = 'block' GROUP BY SourceUserName) b
JOIN SigninLogs s ON s.UserPrincipalName = b.SourceUserName
WHERE s.ResultType = '0'
GROUP BY b.SourceUserName, b.Blocks, b.BlockedUrls;

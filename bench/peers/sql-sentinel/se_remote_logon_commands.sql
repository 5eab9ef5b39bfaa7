SELECT l.TimeGenerated AS LogonTime, p.TimeGenerated AS ProcessTime, l.Computer, l.TargetAccount, l.IpAddress,
       p.NewProcessName, p.CommandLine
FROM SecurityEvent l
JOIN SecurityEvent p ON p.SubjectLogonId = l.TargetLogonId AND p.Computer = l.Computer
WHERE l.EventID = 4624 AND l.LogonType = 10 AND p.EventID = 4688;

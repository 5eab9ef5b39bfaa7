-- arg_max through SQLite's bare columns (the row of the only max()); dcount is exact in rulec and
-- here (Kusto estimates it, exactly at these sizes).
SELECT Computer, Process, max(TimeGenerated) AS TimeGenerated, Account, CommandLine,
       count(DISTINCT Account) AS Accounts
FROM SecurityEvent
WHERE EventID = 4688 AND lower(Process) IN ('cmd.exe', 'powershell.exe', 'net.exe', 'ipconfig.exe')
GROUP BY Computer, Process
HAVING count(DISTINCT Account) >= 2;

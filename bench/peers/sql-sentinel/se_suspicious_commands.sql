-- in~ compares ignoring case; has_any is Kusto's term match (kql_has, a Python function of the
-- runner: the term bounded by non-alphanumerics, ignoring case). arg_max(TimeGenerated,
-- CommandLine): SQLite takes a bare column from the row of the query's only max(). make_set
-- skips nulls (FILTER); its order is not defined, and the comparison sorts it.
SELECT Computer, Account, count(*) AS Runs,
       json_group_array(DISTINCT CommandLine) FILTER (WHERE CommandLine IS NOT NULL) AS Commands,
       max(TimeGenerated) AS TimeGenerated, CommandLine
FROM SecurityEvent
WHERE EventID = 4688
  AND (lower(Process) IN ('whoami.exe', 'certutil.exe', 'wevtutil.exe')
       OR kql_has(CommandLine, 'enc') OR kql_has(CommandLine, 'add'))
GROUP BY Computer, Account;

SELECT Computer, Account, EventID, Activity,
       min(TimeGenerated) AS StartTimeUtc, max(TimeGenerated) AS EndTimeUtc, count(*) AS EventCount
FROM SecurityEvent
WHERE EventID = 1102 AND EventSourceName = 'Microsoft-Windows-Eventlog'
GROUP BY Computer, Account, EventID, Activity;

-- endswith is case-insensitive in Kusto; '$' has no case.
SELECT Computer, SubjectUserName, SubjectUserSid, TargetUserName, TargetSid,
       min(TimeGenerated) AS StartTime, max(TimeGenerated) AS EndTime
FROM SecurityEvent
WHERE EventID = 4720 AND substr(TargetUserName, -1) = '$'
GROUP BY Computer, SubjectUserName, SubjectUserSid, TargetUserName, TargetSid;

-- bin(TimeGenerated, 10m): the text up to the tens of minutes (every TimeGenerated is UTC text
-- with 7 decimals); computed in a sub-query so min()/max() still see the row's own time.
SELECT EventID, Activity, Computer, Account, TargetAccount, TargetUserName, Bin AS TimeGenerated,
       min(TimeGenerated) AS StartTime, max(TimeGenerated) AS EndTime, count(*) AS FailedLogonCount
FROM (SELECT *, substr(TimeGenerated, 1, 15) || '0:00.0000000Z' AS Bin FROM SecurityEvent
      WHERE EventID = 4625 AND lower(AccountType) = 'user'
        AND SubStatus != '0xc0000064' AND Account NOT IN ('\', '-\-'))
GROUP BY EventID, Activity, Computer, Account, TargetAccount, TargetUserName, Bin
HAVING count(*) >= 6;

-- Kusto subtracts the datetimes; julianday reads the same text (to the millisecond, enough for a
-- 10-minute threshold).
SELECT c.creationTime, d.deletionTime, c.Computer, c.TargetAccount, c.TargetSid, c.AccountUsedToCreate, d.AccountUsedToDelete
FROM (SELECT TimeGenerated AS creationTime, Computer, SubjectAccount AS AccountUsedToCreate,
             lower(TargetAccount) AS TargetAccount, TargetSid
      FROM SecurityEvent WHERE EventID = 4720 AND lower(AccountType) = 'user') c
JOIN (SELECT TimeGenerated AS deletionTime, Computer, SubjectAccount AS AccountUsedToDelete,
             lower(TargetAccount) AS TargetAccount
      FROM SecurityEvent WHERE EventID = 4726 AND AccountType = 'User') d
  ON c.Computer = d.Computer AND c.TargetAccount = d.TargetAccount
WHERE (julianday(d.deletionTime) - julianday(c.creationTime)) * 86400 < 600;

-- extract("^CN=([^,]+),", 1, MemberName): the text between "CN=" and the first comma (every
-- MemberName of a 4732 row is a DN; otherwise Kusto gives null and the row joins nothing).
SELECT c.TimeGenerated AS CreatedTime, a.AddedTime, a.Computer, a.AddedUser, c.SubjectAccount AS CreatedBy, a.AddedBy
FROM SecurityEvent c
JOIN (SELECT TimeGenerated AS AddedTime, Computer, SubjectAccount AS AddedBy,
             CASE WHEN MemberName LIKE 'CN=%,%' THEN substr(MemberName, 4, instr(MemberName, ',') - 4) END AS AddedUser
      FROM SecurityEvent WHERE EventID = 4732 AND TargetUserName = 'Administrators') a
  ON c.TargetUserName = a.AddedUser
WHERE c.EventID = 4720;

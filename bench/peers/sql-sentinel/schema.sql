-- The load step of the SQLite peer: each JSON line is in raw(type, doc) (type: the line's `Type`,
-- the table rulec routes it to); here each table gets the columns the queries read, as
-- json_extract gives them (numbers stay numbers, a missing column is NULL, arrays stay JSON text).
CREATE TABLE SigninLogs AS SELECT
    json_extract(doc, '$.TimeGenerated') AS TimeGenerated,
    json_extract(doc, '$.UserPrincipalName') AS UserPrincipalName,
    json_extract(doc, '$.IPAddress') AS IPAddress,
    json_extract(doc, '$.ResultType') AS ResultType,
    json_extract(doc, '$.AppDisplayName') AS AppDisplayName,
    json_extract(doc, '$.ConditionalAccessStatus') AS ConditionalAccessStatus,
    json_extract(doc, '$.ConditionalAccessPolicies') AS ConditionalAccessPolicies
FROM raw WHERE type = 'SigninLogs';

CREATE TABLE SecurityEvent AS SELECT
    json_extract(doc, '$.TimeGenerated') AS TimeGenerated,
    json_extract(doc, '$.Computer') AS Computer,
    json_extract(doc, '$.EventID') AS EventID,
    json_extract(doc, '$.Activity') AS Activity,
    json_extract(doc, '$.Account') AS Account,
    json_extract(doc, '$.AccountType') AS AccountType,
    json_extract(doc, '$.TargetUserName') AS TargetUserName,
    json_extract(doc, '$.TargetAccount') AS TargetAccount,
    json_extract(doc, '$.TargetSid') AS TargetSid,
    json_extract(doc, '$.SubjectAccount') AS SubjectAccount,
    json_extract(doc, '$.SubjectUserName') AS SubjectUserName,
    json_extract(doc, '$.SubjectUserSid') AS SubjectUserSid,
    json_extract(doc, '$.SubStatus') AS SubStatus,
    json_extract(doc, '$.EventSourceName') AS EventSourceName,
    json_extract(doc, '$.LogonType') AS LogonType,
    json_extract(doc, '$.IpAddress') AS IpAddress,
    json_extract(doc, '$.TargetLogonId') AS TargetLogonId,
    json_extract(doc, '$.SubjectLogonId') AS SubjectLogonId,
    json_extract(doc, '$.NewProcessName') AS NewProcessName,
    json_extract(doc, '$.Process') AS Process,
    json_extract(doc, '$.CommandLine') AS CommandLine,
    json_extract(doc, '$.MemberName') AS MemberName
FROM raw WHERE type = 'SecurityEvent';

CREATE TABLE CommonSecurityLog AS SELECT
    json_extract(doc, '$.TimeGenerated') AS TimeGenerated,
    json_extract(doc, '$.DeviceVendor') AS DeviceVendor,
    json_extract(doc, '$.DeviceProduct') AS DeviceProduct,
    json_extract(doc, '$.Activity') AS Activity,
    json_extract(doc, '$.DeviceAction') AS DeviceAction,
    json_extract(doc, '$.SourceIP') AS SourceIP,
    json_extract(doc, '$.DestinationIP') AS DestinationIP,
    json_extract(doc, '$.DestinationPort') AS DestinationPort,
    json_extract(doc, '$.SourceUserName') AS SourceUserName,
    json_extract(doc, '$.RequestURL') AS RequestURL
FROM raw WHERE type = 'CommonSecurityLog';

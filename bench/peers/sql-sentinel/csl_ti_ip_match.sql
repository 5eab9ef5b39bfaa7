-- The datatable's keys are unique, so innerunique is an inner join here.
WITH IP_Indicators(TI_ipEntity, ThreatType) AS (VALUES
    ('185.220.101.47', 'tor-exit'), ('45.155.205.233', 'c2'), ('193.142.146.35', 'c2'),
    ('91.240.118.172', 'malware-download'), ('194.26.29.113', 'scanner'), ('203.0.113.99', 'c2'))
SELECT c.SourceIP, t.TI_ipEntity, t.ThreatType, min(c.TimeGenerated) AS FirstSeen, max(c.TimeGenerated) AS LastSeen,
       count(*) AS Connections, json_group_array(DISTINCT c.DestinationPort) AS Ports
FROM IP_Indicators t JOIN CommonSecurityLog c ON c.DestinationIP = t.TI_ipEntity
WHERE c.DeviceAction = 'allow'
GROUP BY c.SourceIP, t.TI_ipEntity, t.ThreatType;

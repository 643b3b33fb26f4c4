CREATE EXTERNAL TABLE IF NOT EXISTS `default`.`aegis_cloudtrail` (
  `eventVersion` STRING,
  `userIdentity` STRUCT<type:STRING,principalId:STRING,arn:STRING,accountId:STRING,invokedBy:STRING,accessKeyId:STRING,userName:STRING,onBehalfOf:STRUCT<userId:STRING,identityStoreArn:STRING>,sessionContext:STRUCT<attributes:STRUCT<mfaAuthenticated:STRING,creationDate:STRING>,sessionIssuer:STRUCT<type:STRING,principalId:STRING,arn:STRING,accountId:STRING,userName:STRING>,ec2RoleDelivery:STRING,webIdFederationData:STRUCT<federatedProvider:STRING>>>,
  `eventTime` STRING,
  `eventSource` STRING,
  `eventName` STRING,
  `awsRegion` STRING,
  `sourceIPAddress` STRING,
  `userAgent` STRING,
  `errorCode` STRING,
  `errorMessage` STRING,
  `requestParameters` STRING,
  `responseElements` STRING,
  `additionalEventData` STRING,
  `requestID` STRING,
  `eventID` STRING,
  `readOnly` STRING,
  `resources` ARRAY<STRUCT<ARN:STRING,accountId:STRING,type:STRING>>,
  `eventType` STRING,
  `apiVersion` STRING,
  `recipientAccountId` STRING,
  `serviceEventDetails` STRING,
  `sharedEventID` STRING,
  `vpcEndpointId` STRING,
  `vpcEndpointAccountId` STRING,
  `eventCategory` STRING,
  `managementEvent` BOOLEAN,
  `tlsDetails` STRUCT<tlsVersion:STRING,cipherSuite:STRING,clientProvidedHostHeader:STRING>
)
PARTITIONED BY (`accountid` STRING, `region` STRING, `dt` STRING)
ROW FORMAT SERDE 'org.apache.hive.hcatalog.data.JsonSerDe'
STORED AS INPUTFORMAT 'com.amazon.emr.cloudtrail.CloudTrailInputFormat'
OUTPUTFORMAT 'org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat'
LOCATION 's3://org-trail-logs/trails/main/AWSLogs/o-a1b2c3d4e5/'
TBLPROPERTIES (
  'projection.enabled'='true',
  'projection.accountid.type'='enum',
  'projection.accountid.values'='111122223333,444455556666',
  'projection.region.type'='enum',
  'projection.region.values'='us-east-1,eu-west-1',
  'projection.dt.type'='date',
  'projection.dt.format'='yyyy/MM/dd',
  'projection.dt.interval'='1',
  'projection.dt.interval.unit'='DAYS',
  'projection.dt.range'='2025/01/01,NOW',
  'storage.location.template'='s3://org-trail-logs/trails/main/AWSLogs/o-a1b2c3d4e5/${accountid}/CloudTrail/${region}/${dt}'
)
// Plant files for the import tests and journeys.

/** What a PLC engineering tool exports for a new packaging line: one object type, two machines. */
export const PACKAGING_LINE_NODESET = `<?xml version="1.0" encoding="utf-8"?>
<UANodeSet xmlns="http://opcfoundation.org/UA/2011/03/UANodeSet.xsd" xmlns:uax="http://opcfoundation.org/UA/2008/02/Types.xsd">
  <NamespaceUris><Uri>urn:vendor:packaging</Uri></NamespaceUris>
  <Aliases><Alias Alias="HasComponent">i=47</Alias></Aliases>
  <UAObjectType NodeId="ns=1;i=1001" BrowseName="1:CartonSealer">
    <DisplayName>Carton sealer</DisplayName>
    <Description>Hot-melt carton sealer</Description>
    <References><Reference ReferenceType="HasSubtype" IsForward="false">i=58</Reference></References>
  </UAObjectType>
  <UAVariable NodeId="ns=1;i=1002" BrowseName="1:glue_temperature" ParentNodeId="ns=1;i=1001" DataType="Double">
    <DisplayName>glue_temperature</DisplayName>
    <References>
      <Reference ReferenceType="HasTypeDefinition">i=2368</Reference>
      <Reference ReferenceType="HasComponent" IsForward="false">ns=1;i=1001</Reference>
    </References>
  </UAVariable>
  <UAVariable NodeId="ns=1;i=1003" BrowseName="EURange" ParentNodeId="ns=1;i=1002" DataType="i=884">
    <DisplayName>EURange</DisplayName>
    <References><Reference ReferenceType="HasProperty" IsForward="false">ns=1;i=1002</Reference></References>
    <Value><uax:ExtensionObject><uax:Body><uax:Range><uax:Low>150</uax:Low><uax:High>185</uax:High></uax:Range></uax:Body></uax:ExtensionObject></Value>
  </UAVariable>
  <UAVariable NodeId="ns=1;i=1004" BrowseName="EngineeringUnits" ParentNodeId="ns=1;i=1002" DataType="i=887">
    <DisplayName>EngineeringUnits</DisplayName>
    <References><Reference ReferenceType="HasProperty" IsForward="false">ns=1;i=1002</Reference></References>
    <Value><uax:ExtensionObject><uax:Body><uax:EUInformation><uax:DisplayName><uax:Text>°C</uax:Text></uax:DisplayName></uax:EUInformation></uax:Body></uax:ExtensionObject></Value>
  </UAVariable>
  <UAVariable NodeId="ns=1;i=1005" BrowseName="1:running" ParentNodeId="ns=1;i=1001" DataType="Boolean">
    <DisplayName>running</DisplayName>
    <References><Reference ReferenceType="HasComponent" IsForward="false">ns=1;i=1001</Reference></References>
  </UAVariable>
  <UAObject NodeId="ns=1;i=5000" BrowseName="1:LEJ-L9">
    <DisplayName>Packaging line 9</DisplayName>
    <References><Reference ReferenceType="HasTypeDefinition">i=61</Reference></References>
  </UAObject>
  <UAObject NodeId="ns=1;i=5001" BrowseName="1:LEJ-L9-SEAL01" ParentNodeId="ns=1;i=5000">
    <DisplayName>Sealer 1</DisplayName>
    <References>
      <Reference ReferenceType="HasTypeDefinition">ns=1;i=1001</Reference>
      <Reference ReferenceType="Organizes" IsForward="false">ns=1;i=5000</Reference>
    </References>
  </UAObject>
  <UAVariable NodeId="ns=1;s=LEJ-L9-SEAL01.glue_temperature" BrowseName="1:glue_temperature" ParentNodeId="ns=1;i=5001" DataType="Double">
    <DisplayName>glue_temperature</DisplayName>
    <References><Reference ReferenceType="HasComponent" IsForward="false">ns=1;i=5001</Reference></References>
  </UAVariable>
  <UAVariable NodeId="ns=1;s=LEJ-L9-SEAL01.running" BrowseName="1:running" ParentNodeId="ns=1;i=5001" DataType="Boolean">
    <DisplayName>running</DisplayName>
    <References><Reference ReferenceType="HasComponent" IsForward="false">ns=1;i=5001</Reference></References>
  </UAVariable>
  <UAObject NodeId="ns=1;i=5002" BrowseName="1:LEJ-L9-SEAL02" ParentNodeId="ns=1;i=5000">
    <DisplayName>Sealer 2</DisplayName>
    <References><Reference ReferenceType="HasTypeDefinition">ns=1;i=1001</Reference></References>
  </UAObject>
  <UAVariable NodeId="ns=1;s=LEJ-L9-SEAL02.glue_temperature" BrowseName="1:glue_temperature" ParentNodeId="ns=1;i=5002" DataType="Double">
    <DisplayName>glue_temperature</DisplayName>
    <References><Reference ReferenceType="HasComponent" IsForward="false">ns=1;i=5002</Reference></References>
  </UAVariable>
</UANodeSet>
`;

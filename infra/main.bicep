// `azd up` entry point: one resource group holding the front-ends (the api container app, src/Api), their registry
// and identity, and the cluster tier they share, chosen by clusterTier:
// - orleans (default): Orleans silos (src/Silo), one single-replica container app each in an internal Container
//   Apps environment, and a storage account (Table: membership, Blob: grain state) reached with the identity.
// - postgres: one PostgreSQL Flexible Server, the topology deployed before the Orleans tier existed.
targetScope = 'subscription'

@minLength(1)
@maxLength(64)
@description('Name of the azd environment; used in resource names and the azd-env-name tag.')
param environmentName string

@minLength(1)
@description('Azure region for every resource.')
param location string

@description('Object id of the user running azd (AZURE_PRINCIPAL_ID); given AcrPush so local tools can push images too.')
param principalId string = ''

@allowed([
  'orleans'
  'postgres'
])
@description('The cluster tier: orleans (silos and a storage account) or postgres (a PostgreSQL Flexible Server). `azd env set CLUSTER_TIER postgres` switches.')
param clusterTier string = 'orleans'

@minValue(1)
@maxValue(10)
@description('Number of silos (orleans only): one single-replica container app each. `azd env set SILO_COUNT 3` adds one.')
param siloCount int = 2

@secure()
@description('Administrator password of the PostgreSQL Flexible Server (postgres only; `azd env set POSTGRES_ADMIN_PASSWORD ...`).')
param postgresAdminPassword string = ''

@description('Administrator login of the PostgreSQL Flexible Server.')
param postgresAdminLogin string = 'serverevents'

@description('Name of the database the PostgreSQL cluster tier uses.')
param postgresDatabaseName string = 'server_events'

@description('Whether the api container app exists already (azd sets SERVICE_API_RESOURCE_EXISTS), so provisioning keeps its image.')
param apiExists bool = false

@description('Whether the silo container app azd deploys to exists already (azd sets SERVICE_SILO_RESOURCE_EXISTS), so provisioning keeps its image on every silo.')
param siloExists bool = false

var tags = { 'azd-env-name': environmentName }
var orleans = clusterTier == 'orleans'
var postgres = clusterTier == 'postgres'

// Short and unique per subscription, environment and region, for names that must be globally unique.
var resourceToken = toLower(uniqueString(subscription().id, environmentName, location))

// Silos and front-ends with the same ServiceId and ClusterId on one storage account form one cluster.
var orleansServiceId = 'server-events'
var orleansClusterId = 'server-events-${environmentName}'

// Silo i listens on and exposes 11111 + i (silo to silo) and 30000 + i (gateway): exposed TCP ports must be unique
// in the environment, and equal container ports let the silo advertise what it listens on.
var siloPortBase = 11111
var gatewayPortBase = 30000
var siloNames = [for i in range(0, siloCount): 'ca-silo-${i}-${resourceToken}']

resource rg 'Microsoft.Resources/resourceGroups@2024-03-01' = {
  name: 'rg-${environmentName}'
  location: location
  tags: tags
}

module logAnalytics 'modules/log-analytics.bicep' = {
  name: 'log-analytics'
  scope: rg
  params: {
    name: 'log-${resourceToken}'
    location: location
    tags: tags
  }
}

module appInsights 'modules/app-insights.bicep' = {
  name: 'app-insights'
  scope: rg
  params: {
    name: 'appi-${resourceToken}'
    location: location
    tags: tags
    logAnalyticsWorkspaceId: logAnalytics.outputs.id
  }
}

module network 'modules/network.bicep' = if (orleans) {
  name: 'network'
  scope: rg
  params: {
    name: 'vnet-${resourceToken}'
    location: location
    tags: tags
  }
}

// The front-ends' environment: public HTTPS ingress; on the virtual network in the Orleans topology.
module containerAppsEnvironment 'modules/container-apps-environment.bicep' = {
  name: 'container-apps-environment'
  scope: rg
  params: {
    name: 'cae-${resourceToken}'
    location: location
    tags: tags
    logAnalyticsWorkspaceName: logAnalytics.outputs.name
    infrastructureSubnetId: orleans ? network!.outputs.frontEndSubnetId : ''
  }
}

// The silos' environment: internal, so its static IP and the silo and gateway ports are private to the network.
module siloEnvironment 'modules/container-apps-environment.bicep' = if (orleans) {
  name: 'silo-environment'
  scope: rg
  params: {
    name: 'cae-silo-${resourceToken}'
    location: location
    tags: tags
    logAnalyticsWorkspaceName: logAnalytics.outputs.name
    infrastructureSubnetId: network!.outputs.siloSubnetId
    internal: true
  }
}

module containerRegistry 'modules/container-registry.bicep' = {
  name: 'container-registry'
  scope: rg
  params: {
    name: 'cr${resourceToken}'
    identityName: 'id-${resourceToken}'
    location: location
    tags: tags
    principalId: principalId
  }
}

module storage 'modules/storage.bicep' = if (orleans) {
  name: 'storage'
  scope: rg
  params: {
    name: 'st${resourceToken}'
    location: location
    tags: tags
    identityPrincipalId: containerRegistry.outputs.identityPrincipalId
  }
}

module postgresServer 'modules/postgres.bicep' = if (postgres) {
  name: 'postgres'
  scope: rg
  params: {
    name: 'psql-${resourceToken}'
    location: location
    tags: tags
    administratorLogin: postgresAdminLogin
    administratorPassword: postgresAdminPassword
    databaseName: postgresDatabaseName
  }
}

// What every silo and front-end of the Orleans topology reads (AzureStorageSettings, OrleansClusterSettings).
var orleansSettings = orleans
  ? [
      {
        name: 'AzureStorage__BlobServiceUri'
        value: storage!.outputs.blobServiceUri
      }
      {
        name: 'AzureStorage__TableServiceUri'
        value: storage!.outputs.tableServiceUri
      }
      {
        name: 'AzureStorage__ClientId'
        value: containerRegistry.outputs.identityClientId
      }
      {
        name: 'Orleans__ClusterId'
        value: orleansClusterId
      }
      {
        name: 'Orleans__ServiceId'
        value: orleansServiceId
      }
    ]
  : []

// The PostgreSQL tier's connection budget. Burstable B1ms allows 35 user connections (50 minus the 15 Azure keeps
// for replication and monitoring). At the scale rule's maximum every api replica gets an equal share of 30, its
// LISTEN connection included; the 5 left are for an operator's psql and a roll-out's overlap. (The server's
// built-in PgBouncer is not offered on Burstable servers.)
var apiMaxReplicas = 10
var postgresUserConnections = 35
var postgresSpareConnections = 5
var postgresSettings = postgres
  ? [
      {
        name: 'ServerEvents__Cluster__Postgres__MaxPoolSize'
        value: string((postgresUserConnections - postgresSpareConnections) / apiMaxReplicas)
      }
    ]
  : []

// Every app exports its traces and metrics to Application Insights (the Azure Monitor OpenTelemetry exporter).
var telemetrySettings = [
  {
    name: 'APPLICATIONINSIGHTS_CONNECTION_STRING'
    value: appInsights.outputs.connectionString
  }
]

@batchSize(1)
module silos 'modules/silo.bicep' = [
  for i in range(0, siloCount): if (orleans) {
    name: 'silo-${i}'
    scope: rg
    params: {
      name: siloNames[i]
      location: location
      tags: tags
      containerAppsEnvironmentId: siloEnvironment!.outputs.id
      containerRegistryLoginServer: containerRegistry.outputs.loginServer
      identityId: containerRegistry.outputs.identityId
      isServiceTarget: i == 0
      imageSourceName: siloNames[0]
      imageSourceExists: siloExists
      advertisedIPAddress: siloEnvironment!.outputs.staticIp
      siloPort: siloPortBase + i
      gatewayPort: gatewayPortBase + i
      clusterSettings: orleansSettings
      telemetrySettings: telemetrySettings
    }
  }
]

module api 'modules/api.bicep' = {
  name: 'api'
  scope: rg
  params: {
    name: 'ca-api-${resourceToken}'
    location: location
    tags: tags
    containerAppsEnvironmentId: containerAppsEnvironment.outputs.id
    containerRegistryLoginServer: containerRegistry.outputs.loginServer
    identityId: containerRegistry.outputs.identityId
    exists: apiExists
    clusterProvider: orleans ? 'Orleans' : 'Postgres'
    clusterSettings: orleans ? orleansSettings : postgresSettings
    maxReplicas: apiMaxReplicas
    telemetrySettings: telemetrySettings
    workloadProfileName: orleans ? 'Consumption' : ''
    postgresConnectionString: postgres
      ? 'Host=${postgresServer!.outputs.fullyQualifiedDomainName};Port=5432;Database=${postgresDatabaseName};Username=${postgresAdminLogin};Password=${postgresAdminPassword};SSL Mode=Require'
      : ''
  }
}

// Read by azd: where to push the images, which resource group to deploy into, the public address, and the app
// each service deploys to (found by its azd-service-name tag). Silo apps other than the first get the image from
// the silo service's postdeploy hook (infra/hooks/roll-silos.sh), which reads SILO_APP_NAMES.
output AZURE_LOCATION string = location
output AZURE_RESOURCE_GROUP string = rg.name
output AZURE_CONTAINER_REGISTRY_ENDPOINT string = containerRegistry.outputs.loginServer
output AZURE_CONTAINER_REGISTRY_NAME string = containerRegistry.outputs.name
output AZURE_CONTAINER_APPS_ENVIRONMENT_NAME string = containerAppsEnvironment.outputs.name
output CLUSTER_TIER string = clusterTier
output APPLICATIONINSIGHTS_NAME string = appInsights.outputs.name
output SERVICE_API_NAME string = api.outputs.name
output SERVICE_API_URI string = api.outputs.uri
output SERVICE_SILO_NAME string = orleans ? silos[0]!.outputs.name : ''
output SILO_APP_NAMES string = orleans ? join(siloNames, ' ') : ''
output AZURE_STORAGE_ACCOUNT_NAME string = orleans ? storage!.outputs.name : ''
output ORLEANS_CLUSTER_ID string = orleans ? orleansClusterId : ''
output POSTGRES_HOST string = postgres ? postgresServer!.outputs.fullyQualifiedDomainName : ''

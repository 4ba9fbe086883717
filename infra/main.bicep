// `azd up` entry point: one resource group holding the Container Apps environment, its registry, the
// PostgreSQL Flexible Server the replicas share (the PostgreSQL cluster tier), and the api container app.
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

@secure()
@minLength(8)
@description('Administrator password of the PostgreSQL Flexible Server (azd prompts for it and keeps it in the environment).')
param postgresAdminPassword string

@description('Administrator login of the PostgreSQL Flexible Server.')
param postgresAdminLogin string = 'serverevents'

@description('Name of the database the cluster tier uses.')
param postgresDatabaseName string = 'server_events'

@description('Whether the api container app exists already (azd sets SERVICE_API_RESOURCE_EXISTS), so provisioning keeps its image.')
param apiExists bool = false

var tags = { 'azd-env-name': environmentName }

// Short and unique per subscription, environment and region, for names that must be globally unique.
var resourceToken = toLower(uniqueString(subscription().id, environmentName, location))

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

module containerAppsEnvironment 'modules/container-apps-environment.bicep' = {
  name: 'container-apps-environment'
  scope: rg
  params: {
    name: 'cae-${resourceToken}'
    location: location
    tags: tags
    logAnalyticsWorkspaceName: logAnalytics.outputs.name
  }
}

module containerRegistry 'modules/container-registry.bicep' = {
  name: 'container-registry'
  scope: rg
  params: {
    name: 'cr${resourceToken}'
    identityName: 'id-api-${resourceToken}'
    location: location
    tags: tags
    principalId: principalId
  }
}

module postgres 'modules/postgres.bicep' = {
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
    postgresConnectionString: 'Host=${postgres.outputs.fullyQualifiedDomainName};Port=5432;Database=${postgresDatabaseName};Username=${postgresAdminLogin};Password=${postgresAdminPassword};SSL Mode=Require'
  }
}

// Read by azd: where to push the image, which resource group to deploy into, and the public address.
output AZURE_LOCATION string = location
output AZURE_RESOURCE_GROUP string = rg.name
output AZURE_CONTAINER_REGISTRY_ENDPOINT string = containerRegistry.outputs.loginServer
output AZURE_CONTAINER_REGISTRY_NAME string = containerRegistry.outputs.name
output AZURE_CONTAINER_APPS_ENVIRONMENT_NAME string = containerAppsEnvironment.outputs.name
output POSTGRES_HOST string = postgres.outputs.fullyQualifiedDomainName
output SERVICE_API_NAME string = api.outputs.name
output SERVICE_API_URI string = api.outputs.uri

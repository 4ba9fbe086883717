// A Container Apps environment; logs go to Log Analytics. Without a subnet it is today's consumption-only
// environment (the PostgreSQL topology); with one it is a workload-profiles environment on that subnet of the
// virtual network, external (the front-ends) or internal (the silos: no public endpoint, a private static IP).
@description('Environment name.')
param name string
param location string
param tags object = {}

@description('Name of an existing Log Analytics workspace in this resource group.')
param logAnalyticsWorkspaceName string

@description('Resource id of the delegated subnet the environment runs in; empty for no virtual network.')
param infrastructureSubnetId string = ''

@description('Whether the environment is reachable only from its virtual network (its static IP is private).')
param internal bool = false

var onNetwork = !empty(infrastructureSubnetId)

resource workspace 'Microsoft.OperationalInsights/workspaces@2023-09-01' existing = {
  name: logAnalyticsWorkspaceName
}

resource environment 'Microsoft.App/managedEnvironments@2025-01-01' = {
  name: name
  location: location
  tags: tags
  properties: {
    appLogsConfiguration: {
      destination: 'log-analytics'
      logAnalyticsConfiguration: {
        customerId: workspace.properties.customerId
        sharedKey: workspace.listKeys().primarySharedKey
      }
    }
    vnetConfiguration: onNetwork
      ? {
          infrastructureSubnetId: infrastructureSubnetId
          internal: internal
        }
      : null
    // The consumption profile: billed per replica second as before, no dedicated nodes.
    workloadProfiles: onNetwork
      ? [
          {
            name: 'Consumption'
            workloadProfileType: 'Consumption'
          }
        ]
      : null
  }
}

output id string = environment.id
output name string = environment.name
output defaultDomain string = environment.properties.defaultDomain
@description('The environment\'s inbound IP: private when internal. Silos advertise it with their own exposed ports.')
output staticIp string = environment.properties.staticIp

// The virtual network of the Orleans topology: one subnet per Container Apps environment. The silos' environment
// is internal (its static IP is private to this network) and the front-ends' environment sits in the same network,
// so front-ends reach the silo gateways, and silos each other, without any Orleans port being public.
@description('Virtual network name.')
param name string
param location string
param tags object = {}

// A workload-profiles environment needs a delegated subnet of at least /27; /23 leaves room for scale-out.
var addressSpace = '10.42.0.0/16'
var frontEndPrefix = '10.42.0.0/23'
var siloPrefix = '10.42.2.0/23'

resource network 'Microsoft.Network/virtualNetworks@2024-05-01' = {
  name: name
  location: location
  tags: tags
  properties: {
    addressSpace: {
      addressPrefixes: [
        addressSpace
      ]
    }
    subnets: [
      {
        name: 'front-ends'
        properties: {
          addressPrefix: frontEndPrefix
          delegations: [
            {
              name: 'Microsoft.App.environments'
              properties: {
                serviceName: 'Microsoft.App/environments'
              }
            }
          ]
          // Storage traffic stays on the Azure backbone.
          serviceEndpoints: [
            {
              service: 'Microsoft.Storage'
            }
          ]
        }
      }
      {
        name: 'silos'
        properties: {
          addressPrefix: siloPrefix
          delegations: [
            {
              name: 'Microsoft.App.environments'
              properties: {
                serviceName: 'Microsoft.App/environments'
              }
            }
          ]
          serviceEndpoints: [
            {
              service: 'Microsoft.Storage'
            }
          ]
        }
      }
    ]
  }
}

output id string = network.id
output frontEndSubnetId string = resourceId('Microsoft.Network/virtualNetworks/subnets', network.name, 'front-ends')
output siloSubnetId string = resourceId('Microsoft.Network/virtualNetworks/subnets', network.name, 'silos')

// One Orleans silo: a container app with exactly one replica in the internal environment, as the Orleans
// documentation for Azure Container Apps and its samples/Deployment/AzureContainerApps sample deploy silos.
// Container Apps gives no replica an address of its own, so each silo is its own app with its own pair of TCP
// ports on the environment's private static IP, and advertises that IP and those ports in the membership table.
@description('Container app name.')
param name string
param location string
param tags object = {}

param containerAppsEnvironmentId string

@description('Login server of the registry the image is pulled from.')
param containerRegistryLoginServer string

@description('Resource id of the user-assigned identity (AcrPull, storage data roles).')
param identityId string

@description('Whether this app is the one azd deploys the silo image to (tag azd-service-name: silo).')
param isServiceTarget bool

@description('The app whose current image this silo runs (the azd service target) when it exists already.')
param imageSourceName string

@description('Whether the image source app exists already (azd sets SERVICE_SILO_RESOURCE_EXISTS).')
param imageSourceExists bool = false

@description('The environment\'s private static IP, which this silo advertises.')
param advertisedIPAddress string

@minValue(1024)
@maxValue(65535)
@description('Silo-to-silo port: listened on and exposed on the environment\'s IP (unique per silo there).')
param siloPort int

@minValue(1024)
@maxValue(65535)
@description('Gateway port the front-ends connect to: listened on and exposed (unique per silo).')
param gatewayPort int

@description('Settings every silo and front-end gets: storage endpoints, identity, cluster id (name/value pairs).')
param clusterSettings array

@description('Where the app sends its OpenTelemetry (name/value pairs): the Application Insights connection string.')
param telemetrySettings array = []

// The port Kestrel serves /health and /health/ready on (src/Silo/Dockerfile: ASPNETCORE_HTTP_PORTS, EXPOSE).
var httpPort = 8080

var placeholderImage = 'mcr.microsoft.com/azuredocs/containerapps-helloworld:latest'

module latest 'fetch-latest-image.bicep' = {
  name: '${name}-latest-image'
  params: {
    name: imageSourceName
    exists: imageSourceExists
  }
}

resource app 'Microsoft.App/containerApps@2025-01-01' = {
  name: name
  location: location
  tags: isServiceTarget ? union(tags, { 'azd-service-name': 'silo' }) : tags
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identityId}': {}
    }
  }
  properties: {
    environmentId: containerAppsEnvironmentId
    workloadProfileName: 'Consumption'
    configuration: {
      activeRevisionsMode: 'Single'
      // TCP ingress, "external" only to the environment's boundary: the environment is internal, so the ports are
      // reachable from the virtual network (the front-ends) and not from the internet. The exposed ports equal the
      // container's, so the silo listens on and advertises the same numbers.
      ingress: {
        external: true
        transport: 'tcp'
        targetPort: siloPort
        exposedPort: siloPort
        additionalPortMappings: [
          {
            external: true
            targetPort: gatewayPort
            exposedPort: gatewayPort
          }
        ]
      }
      registries: [
        {
          server: containerRegistryLoginServer
          identity: identityId
        }
      ]
    }
    template: {
      // SIGTERM, then this long before SIGKILL: the silo leaves the cluster and hands its grains over first.
      terminationGracePeriodSeconds: 60
      containers: [
        {
          name: 'silo'
          image: !empty(latest.outputs.containers) ? latest.outputs.containers[0].image : placeholderImage
          resources: {
            cpu: json('0.5')
            memory: '1Gi'
          }
          env: concat(
            [
              {
                name: 'ASPNETCORE_HTTP_PORTS'
                value: string(httpPort)
              }
              {
                name: 'Orleans__AdvertisedIPAddress'
                value: advertisedIPAddress
              }
              {
                name: 'Orleans__SiloPort'
                value: string(siloPort)
              }
              {
                name: 'Orleans__GatewayPort'
                value: string(gatewayPort)
              }
            ],
            clusterSettings,
            telemetrySettings
          )
          probes: [
            {
              // Joining the cluster reads and writes the membership table; allow it 150 s before liveness counts.
              type: 'Startup'
              httpGet: {
                path: '/health/ready'
                port: httpPort
              }
              initialDelaySeconds: 2
              periodSeconds: 5
              failureThreshold: 30
            }
            {
              // The process answers; not the storage check, so a storage outage does not restart every silo.
              type: 'Liveness'
              httpGet: {
                path: '/health'
                port: httpPort
              }
              periodSeconds: 10
              failureThreshold: 3
            }
            {
              // The silo is active in the cluster.
              type: 'Readiness'
              httpGet: {
                path: '/health/ready'
                port: httpPort
              }
              periodSeconds: 5
              failureThreshold: 3
            }
          ]
        }
      ]
      // Exactly one replica: a second one would share this app's advertised endpoint.
      scale: {
        minReplicas: 1
        maxReplicas: 1
      }
    }
  }
}

output name string = app.name

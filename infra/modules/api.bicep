// The api container app: the front-end replicas of src/Api (they hold the SSE streams), behind the environment's
// external HTTPS ingress, on the cluster tier main.bicep chose (Orleans or PostgreSQL). azd finds it by the
// `azd-service-name: api` tag (azure.yaml).
@description('Container app name.')
param name string
param location string
param tags object = {}

param containerAppsEnvironmentId string

@description('Login server of the registry the image is pulled from.')
param containerRegistryLoginServer string

@description('Resource id of the user-assigned identity holding AcrPull on the registry.')
param identityId string

@allowed([
  'Orleans'
  'Postgres'
])
@description('The cluster tier the replicas run (ServerEvents:Cluster:Provider).')
param clusterProvider string

@description('The tier\'s non-secret settings (name/value pairs): the Orleans storage endpoints, identity and cluster id.')
param clusterSettings array = []

@description('Where the app sends its OpenTelemetry (name/value pairs): the Application Insights connection string.')
param telemetrySettings array = []

@secure()
@description('The Npgsql connection string of the shared PostgreSQL (the Postgres tier only).')
param postgresConnectionString string = ''

@description('The workload profile to run on; empty in a consumption-only environment.')
param workloadProfileName string = ''

@description('Whether the app exists already (azd sets SERVICE_API_RESOURCE_EXISTS); its current image is then kept.')
param exists bool = false

@minValue(2)
@description('Replicas that always run: at least two, so a restart or a roll-out never leaves the app without a node.')
param minReplicas int = 2

@description('Upper bound of the scale rule.')
param maxReplicas int = 10

// The port Kestrel listens on inside the container (src/Api/Dockerfile: ASPNETCORE_HTTP_PORTS, EXPOSE).
var port = 8080

// Until the first `azd deploy` pushes the real image, a public placeholder runs (it does not serve the
// health endpoints, so it reports unhealthy until then).
var placeholderImage = 'mcr.microsoft.com/azuredocs/containerapps-helloworld:latest'

module latest 'fetch-latest-image.bicep' = {
  name: '${name}-latest-image'
  params: {
    name: name
    exists: exists
  }
}

resource app 'Microsoft.App/containerApps@2025-01-01' = {
  name: name
  location: location
  tags: union(tags, { 'azd-service-name': 'api' })
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identityId}': {}
    }
  }
  properties: {
    environmentId: containerAppsEnvironmentId
    workloadProfileName: empty(workloadProfileName) ? null : workloadProfileName
    configuration: {
      activeRevisionsMode: 'Single'
      ingress: {
        external: true
        targetPort: port
        // Plain HTTP/1.1 to the container; the ingress terminates TLS. SSE needs nothing more: streams stay open
        // because the server pushes a frame (cmd.onHeartbeat) at least every HeartbeatInterval (10 s), far
        // inside the ingress's 240 s idle timeout.
        transport: 'http'
        allowInsecure: false
      }
      registries: [
        {
          server: containerRegistryLoginServer
          identity: identityId
        }
      ]
      secrets: empty(postgresConnectionString)
        ? []
        : [
            {
              name: 'postgres-connection'
              value: postgresConnectionString
            }
          ]
    }
    template: {
      containers: [
        {
          name: 'api'
          image: !empty(latest.outputs.containers) ? latest.outputs.containers[0].image : placeholderImage
          resources: {
            cpu: json('0.5')
            memory: '1Gi'
          }
          env: concat(
            [
              {
                name: 'ASPNETCORE_HTTP_PORTS'
                value: string(port)
              }
              {
                // The ingress terminates TLS: honour X-Forwarded-Proto so the absolute URLs in cmd.onConnect
                // (heartbeatUrl, unRegisterUrl) are https and the session cookie is Secure.
                name: 'ASPNETCORE_FORWARDEDHEADERS_ENABLED'
                value: 'true'
              }
              {
                name: 'ServerEvents__Cluster__Provider'
                value: clusterProvider
              }
            ],
            empty(postgresConnectionString)
              ? []
              : [
                  {
                    name: 'ConnectionStrings__Postgres'
                    secretRef: 'postgres-connection'
                  }
                ],
            clusterSettings,
            telemetrySettings
          )
          probes: [
            {
              // Liveness: the process answers. Deliberately not the database check, so an outage of PostgreSQL
              // does not restart every replica.
              type: 'Liveness'
              httpGet: {
                path: '/health'
                port: port
              }
              initialDelaySeconds: 5
              periodSeconds: 10
              failureThreshold: 3
            }
            {
              // Readiness: the cluster tier answers (PostgreSQL: SELECT 1; Orleans: the client is connected to a
              // gateway); a replica without its tier takes no traffic.
              type: 'Readiness'
              httpGet: {
                path: '/health/ready'
                port: port
              }
              initialDelaySeconds: 3
              periodSeconds: 5
              failureThreshold: 3
            }
          ]
        }
      ]
      scale: {
        minReplicas: minReplicas
        maxReplicas: maxReplicas
        rules: [
          {
            // Every open SSE stream is one request that stays in flight for minutes, so the default rule
            // (10 concurrent requests per replica) would scale out for a handful of idle browsers and never
            // back in. A replica holds thousands of mostly idle streams cheaply (one small queue and writer
            // each), so scale on a high number of concurrent requests per replica instead.
            name: 'concurrent-streams'
            http: {
              metadata: {
                concurrentRequests: '1000'
              }
            }
          }
        ]
      }
    }
  }
}

output name string = app.name
output fqdn string = app.properties.configuration.ingress.fqdn
output uri string = 'https://${app.properties.configuration.ingress.fqdn}'

// Application Insights on the Log Analytics workspace: the apps export their traces and metrics to it with the Azure
// Monitor OpenTelemetry exporter when APPLICATIONINSIGHTS_CONNECTION_STRING is set (README "Metrics and traces").
@description('Application Insights resource name.')
param name string
param location string
param tags object = {}

@description('Resource id of the Log Analytics workspace that stores the telemetry.')
param logAnalyticsWorkspaceId string

resource appInsights 'Microsoft.Insights/components@2020-02-02' = {
  name: name
  location: location
  tags: tags
  kind: 'web'
  properties: {
    Application_Type: 'web'
    WorkspaceResourceId: logAnalyticsWorkspaceId
  }
}

output name string = appInsights.name
@description('What the apps export to, as APPLICATIONINSIGHTS_CONNECTION_STRING.')
output connectionString string = appInsights.properties.ConnectionString

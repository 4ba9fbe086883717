// The containers of the api app when it already exists, so that `azd provision` keeps the image `azd deploy`
// pushed instead of putting the placeholder back. A module of its own because a template cannot both look up
// and declare the same resource.
param name string
param exists bool

resource existingApp 'Microsoft.App/containerApps@2024-03-01' existing = if (exists) {
  name: name
}

output containers array = exists ? existingApp.properties.template.containers : []

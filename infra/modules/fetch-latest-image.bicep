// The containers of a container app when it already exists, so that `azd provision` keeps the image `azd deploy`
// pushed instead of putting the placeholder back. A module of its own because a template cannot both look up
// and declare the same resource.
param name string
param exists bool

resource existingApp 'Microsoft.App/containerApps@2025-01-01' existing = if (exists) {
  name: name
}

// `.?` because the lookup is conditional: when the app does not exist there is nothing to read (and ARM
// evaluates only the branch the condition picks).
output containers array = exists ? existingApp.?properties.template.containers ?? [] : []

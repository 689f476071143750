// Development: scales to zero (no always-ready instances), small instances, a frequent self-check.
using '../main.bicep'

param environmentName = 'mlplatform-dev'
param location = 'swedencentral'
param maximumInstanceCount = 40
param instanceMemoryMB = 2048
param httpPerInstanceConcurrency = 16
param alwaysReadyHttpInstances = 0
param alwaysReadyDurableInstances = 0
param selfCheckSchedule = '0 */5 * * * *'

// Production: one HTTP and one Durable instance always ready (no cold start on the first prediction, and an
// orchestration is picked up at once), more headroom to scale out.
// Flex Consumption's default regional quota is 512,000 MB (250 cores) per subscription and region, shared by every
// Flex app there: 100 x 2048 MB = 204,800 MB (100 cores) here, plus dev's 40 x 2048 MB = 81,920 MB (40 cores) when
// both run in the same subscription and region. Beyond that, ask for more quota first (see README, Deploy to Azure).
using '../main.bicep'

param environmentName = 'mlplatform-prod'
param location = 'swedencentral'
param maximumInstanceCount = 100
param instanceMemoryMB = 2048
param httpPerInstanceConcurrency = 16
param alwaysReadyHttpInstances = 1
param alwaysReadyDurableInstances = 1
param selfCheckSchedule = '0 */15 * * * *'

// Alerts for halo-mcp: the share of MCP requests answered with a 5xx, Halo rate-limit hits (the
// `halo_rate_limited` warning halo-mcp logs when any Halo call is refused for Halo's limit), and an
// optional availability test on /healthz with its own alert. Every alert notifies the action
// group(s) given; without one the alerts still fire and show in the portal.

@description('Azure region for the scheduled query rules.')
param location string

@description('Tags applied to every resource.')
param tags object = {}

@description('Prefix for alert names.')
param baseName string

@description('Application Insights component the function app reports to.')
param applicationInsightsName string

@description('Existing action group resource ids to notify (may be empty).')
param actionGroupIds array = []

@description('E-mail address for a new action group created here; blank = none.')
param alertEmail string = ''

@description('Percentage of MCP requests answered with 5xx over 5 minutes that raises the alert.')
@minValue(1)
@maxValue(100)
param http5xxPercentThreshold int = 5

@description('Halo rate-limit refusals in 15 minutes that raise the alert.')
@minValue(1)
param haloRateLimitThreshold int = 1

@description('Create a standard availability test on healthzUrl.')
param availabilityTestEnabled bool = false

@description('Absolute URL of /healthz.')
param healthzUrl string

resource applicationInsights 'Microsoft.Insights/components@2020-02-02' existing = {
  name: applicationInsightsName
}

resource emailGroup 'Microsoft.Insights/actionGroups@2023-01-01' = if (!empty(alertEmail)) {
  name: 'ag-${baseName}'
  location: 'global'
  tags: tags
  properties: {
    groupShortName: take('halomcp${baseName}', 12)
    enabled: true
    emailReceivers: [
      {
        name: 'operators'
        emailAddress: alertEmail
        useCommonAlertSchema: true
      }
    ]
  }
}

var allActionGroupIds = concat(actionGroupIds, empty(alertEmail) ? [] : [emailGroup.id])

var actions = {
  actionGroups: allActionGroupIds
}

// A rate, not a count: a busy hour and a quiet one mean the same thing. Ten requests at least,
// so one failed call at night does not page anyone.
resource http5xxRate 'Microsoft.Insights/scheduledQueryRules@2023-03-15-preview' = {
  name: 'alert-${baseName}-5xx-rate'
  location: location
  tags: tags
  properties: {
    displayName: 'halo-mcp: 5xx rate above ${http5xxPercentThreshold}%'
    description: 'More than ${http5xxPercentThreshold}% of requests to the function app were answered with a 5xx in the last 5 minutes.'
    severity: 2
    enabled: true
    scopes: [applicationInsights.id]
    evaluationFrequency: 'PT5M'
    windowSize: 'PT5M'
    criteria: {
      allOf: [
        {
          query: 'requests | summarize total = count(), failed = countif(toint(resultCode) >= 500) | where total >= 10 | extend percent = 100.0 * failed / total | where percent > ${http5xxPercentThreshold}'
          timeAggregation: 'Count'
          operator: 'GreaterThan'
          threshold: 0
          failingPeriods: {
            numberOfEvaluationPeriods: 1
            minFailingPeriodsToAlert: 1
          }
        }
      ]
    }
    actions: actions
  }
}

resource haloRateLimit 'Microsoft.Insights/scheduledQueryRules@2023-03-15-preview' = {
  name: 'alert-${baseName}-halo-rate-limit'
  location: location
  tags: tags
  properties: {
    displayName: 'halo-mcp: Halo rate limit reached'
    description: 'Tool calls were refused because Halo\'s API rate limit was reached (HALO_RATE_LIMIT per instance, Halo\'s own limit per tenant).'
    severity: 3
    enabled: true
    scopes: [applicationInsights.id]
    evaluationFrequency: 'PT15M'
    windowSize: 'PT15M'
    criteria: {
      allOf: [
        {
          query: 'traces | where message has "halo_rate_limited"'
          timeAggregation: 'Count'
          operator: 'GreaterThanOrEqual'
          threshold: haloRateLimitThreshold
          failingPeriods: {
            numberOfEvaluationPeriods: 1
            minFailingPeriodsToAlert: 1
          }
        }
      ]
    }
    actions: actions
  }
}

var webTestName = 'webtest-${baseName}-healthz'

resource healthzTest 'Microsoft.Insights/webtests@2022-06-15' = if (availabilityTestEnabled) {
  name: webTestName
  location: location
  // The portal shows a web test under its Application Insights only with this tag.
  tags: union(tags, {
    'hidden-link:${applicationInsights.id}': 'Resource'
  })
  kind: 'standard'
  properties: {
    SyntheticMonitorId: webTestName
    Name: 'halo-mcp /healthz'
    Kind: 'standard'
    Enabled: true
    Frequency: 300
    Timeout: 30
    RetryEnabled: true
    Locations: [
      {
        Id: 'emea-nl-ams-azr'
      }
      {
        Id: 'emea-gb-db3-azr'
      }
      {
        Id: 'us-va-ash-azr'
      }
    ]
    Request: {
      RequestUrl: healthzUrl
      HttpVerb: 'GET'
      ParseDependentRequests: false
    }
    ValidationRules: {
      ExpectedHttpStatusCode: 200
      SSLCheck: true
      SSLCertRemainingLifetimeCheck: 7
    }
  }
}

resource healthzAlert 'Microsoft.Insights/metricAlerts@2018-03-01' = if (availabilityTestEnabled) {
  name: 'alert-${baseName}-healthz'
  location: 'global'
  tags: tags
  properties: {
    description: '/healthz failed from 2 or more test locations (also fires while Halo settings are missing).'
    severity: 1
    enabled: true
    scopes: [
      healthzTest.id
      applicationInsights.id
    ]
    evaluationFrequency: 'PT1M'
    windowSize: 'PT5M'
    criteria: {
      'odata.type': 'Microsoft.Azure.Monitor.WebtestLocationAvailabilityCriteria'
      webTestId: healthzTest.id
      componentId: applicationInsights.id
      failedLocationCount: 2
    }
    actions: [
      for id in allActionGroupIds: {
        actionGroupId: id
      }
    ]
  }
}

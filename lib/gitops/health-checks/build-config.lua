-- Argo CD health check for build.openshift.io/BuildConfig (cdk8s-kmods).
-- A BuildConfig's status only counts triggered builds (status.lastVersion). Whether the latest
-- build succeeded is written onto the BuildConfig by the kmods-build-retry CronJob
-- (lib/image/build-retry-script.ts): cdk8s-kmods.io/observed-build (the build number it looked
-- at), latest-build-phase (Running, Complete, Failed, Cancelled), build-retries and build-status.
-- Healthy only when the latest build is Complete, i.e. the image for the kernel was pushed;
-- Degraded while it failed (the job retries it, bounded, with backoff).
local hs = {}

local autoTriggered = false
if obj.spec ~= nil and obj.spec.triggers ~= nil then
  for _, t in ipairs(obj.spec.triggers) do
    if t.type == "ConfigChange" or t.type == "ImageChange" then
      autoTriggered = true
    end
  end
end

local lastVersion = 0
if obj.status ~= nil and obj.status.lastVersion ~= nil then
  lastVersion = obj.status.lastVersion
end

local name = "buildconfig"
if obj.metadata ~= nil and obj.metadata.name ~= nil then
  name = obj.metadata.name
end

local annotations = {}
if obj.metadata ~= nil and obj.metadata.annotations ~= nil then
  annotations = obj.metadata.annotations
end
local observed = annotations["cdk8s-kmods.io/observed-build"]
local phase = annotations["cdk8s-kmods.io/latest-build-phase"]
local status = annotations["cdk8s-kmods.io/build-status"]

if lastVersion == 0 then
  if autoTriggered then
    hs.status = "Progressing"
    hs.message = "waiting for the first build to be triggered"
  else
    hs.status = "Healthy"
    hs.message = "no build has run yet; start one with: oc start-build " .. name
  end
  return hs
end

local build = name .. "-" .. tostring(lastVersion)
if observed ~= tostring(lastVersion) then
  hs.status = "Progressing"
  hs.message = "build " .. build .. " started; waiting for kmods-build-retry to report its result"
  return hs
end

local function withStatus(text)
  if status ~= nil and status ~= "" then
    return status
  end
  return text
end

if phase == "Complete" then
  hs.status = "Healthy"
  hs.message = withStatus("build " .. build .. " complete: the image is pushed")
elseif phase == "Failed" or phase == "Cancelled" then
  hs.status = "Degraded"
  hs.message = withStatus("build " .. build .. " " .. string.lower(phase))
else
  hs.status = "Progressing"
  hs.message = withStatus("build " .. build .. " running")
end
return hs

-- Argo CD health check for build.openshift.io/BuildConfig (cdk8s-kmods).
-- A BuildConfig's status only counts triggered builds (status.lastVersion); whether a build
-- succeeded is on the Build object (see build.lua), which Argo CD shows as the BuildConfig's child.
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

hs.status = "Healthy"
hs.message = "build " .. name .. "-" .. lastVersion .. " triggered; its Build shows whether it succeeded"
return hs

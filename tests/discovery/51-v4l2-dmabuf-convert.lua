-- Test config for vm-discovery-convert on WirePlumber 0.4 (a user's
-- main.lua.d drop-in): the rule a user writes to opt one camera in to a
-- converting node.
table.insert(v4l2_dmabuf_monitor.rules, {
  matches = { { { "api.v4l2.path", "equals", "/dev/video0" } } },
  apply_properties = { ["v4l2-dmabuf.convert"] = true },
})

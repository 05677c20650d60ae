-- pipewire-v4l2-dmabuf: the camera monitor (WirePlumber 0.4 layout).
-- Defines v4l2_dmabuf_monitor; 50-v4l2-dmabuf-config.lua configures it and
-- 90-v4l2-dmabuf-enable.lua loads it, so files in between (yours, e.g.
-- ~/.config/wireplumber/main.lua.d/51-*.lua) can change its settings.
v4l2_dmabuf_monitor = {
  enabled = true,
  -- Properties of the v4l2-dmabuf.enum.udev object, e.g.
  -- ["v4l2-dmabuf.udev.events"] = "kernel" where no udevd runs.
  properties = {},
  -- { matches = { { { "device.name", "matches", "v4l2_device.*" } } },
  --   apply_properties = { ["device.disabled"] = true } }
  -- A camera whose formats applications cannot use (Bayer, vendor formats)
  -- can also get a second node with libv4l2's converted formats, copied
  -- into shared memory (never zero copy):
  -- { matches = { { { "api.v4l2.path", "equals", "/dev/video0" } } },
  --   apply_properties = { ["v4l2-dmabuf.convert"] = true } }
  rules = {},
}

function v4l2_dmabuf_monitor.enable()
  if v4l2_dmabuf_monitor.enabled == false then
    return
  end
  load_monitor("v4l2-dmabuf", {
    properties = v4l2_dmabuf_monitor.properties,
    rules = v4l2_dmabuf_monitor.rules,
  })
end

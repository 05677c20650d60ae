-- pipewire-v4l2-dmabuf: one monitor per camera. The stock v4l2 monitor
-- would offer every single-planar camera a second time (as api.v4l2.source),
-- so it is switched off here; this plugin's monitor offers those and the
-- multi-planar ones. To go back to the stock plugin, set
-- v4l2_dmabuf_monitor.enabled = false and v4l2_monitor.enabled = true in a
-- later file (e.g. 51-camera.lua).
v4l2_monitor.enabled = false
v4l2_dmabuf_monitor.enabled = true

-- pipewire-v4l2-dmabuf: runs after 90-enable-all.lua (file name order).
v4l2_dmabuf_monitor.enable()

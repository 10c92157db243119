# SPDX-License-Identifier: GPL-2.0-only
#
# The kernel tree's API, probed once per tree by conftest.sh into swmmu_compat_gen.h (see
# kmod/swmmu_compat.h). Included by kmod/Kbuild and by the Kbuild of a client module (the
# sample in samples/swmmu-gpu), whose objects list the header as a prerequisite. if_changed
# re-probes when the compiler or flags change - a different KDIR changes the include paths.
targets += swmmu_compat_gen.h
quiet_cmd_conftest = CONFTEST $@
      cmd_conftest = $(CONFIG_SHELL) $(SWMMU_CONFTEST) $@ "$(CC)" \
		     $(filter-out -Wp$(comma)-MMD$(comma)%,$(c_flags))
$(obj)/swmmu_compat_gen.h: $(SWMMU_CONFTEST) FORCE
	$(call if_changed,conftest)
clean-files += swmmu_compat_gen.h
ccflags-y += -I$(obj)

package dev.coop.cli;

import dev.coop.cgroups.CgroupDriver;
import dev.coop.cgroups.CgroupException;
import dev.coop.runtime.ContainerException;
import dev.coop.runtime.Containers;
import dev.coop.runtime.RuntimeConfig;
import dev.coop.sys.Syscalls;

/** Builds the runtime from the environment, once per command. */
final class Runtime {
    private Runtime() {}

    static Containers containers() throws ContainerException {
        try {
            return new Containers(RuntimeConfig.fromEnvironment(), CgroupDriver.detect(), Syscalls.linux());
        } catch (CgroupException e) {
            throw new ContainerException(e.getMessage(), e);
        }
    }
}

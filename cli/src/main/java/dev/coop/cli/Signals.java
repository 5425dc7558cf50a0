package dev.coop.cli;

import dev.coop.runtime.RunningContainer;
import dev.coop.sys.Signal;

/** Forwards the signals `coop run` receives to the container's init, like docker run does. */
final class Signals {
    private Signals() {}

    @SuppressWarnings("restriction")
    static void forwardTo(RunningContainer c) {
        for (Signal s : new Signal[] {Signal.SIGINT, Signal.SIGTERM, Signal.SIGHUP, Signal.SIGQUIT, Signal.SIGUSR1, Signal.SIGUSR2}) {
            try {
                sun.misc.Signal.handle(new sun.misc.Signal(s.name().substring(3)), sig -> c.signal(s));
            } catch (IllegalArgumentException e) {
                // the JVM reserves this one (SIGQUIT with -Xrs off, SIGUSR1 on some platforms)
            }
        }
    }
}

package dev.coop.cli;

/** "3 seconds ago", "2 hours ago": how docker shows times in tables. */
final class Ago {
    private Ago() {}

    static String since(long millis) {
        if (millis <= 0) return "?";
        long s = Math.max(0, (System.currentTimeMillis() - millis) / 1000);
        if (s < 60) return s + (s == 1 ? " second ago" : " seconds ago");
        if (s < 3600) return s / 60 + (s / 60 == 1 ? " minute ago" : " minutes ago");
        if (s < 86400) return s / 3600 + (s / 3600 == 1 ? " hour ago" : " hours ago");
        return s / 86400 + (s / 86400 == 1 ? " day ago" : " days ago");
    }
}

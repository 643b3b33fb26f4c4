//go:build linux && (dev || production)

package main

/*
#cgo pkg-config: gtk+-3.0
#include <gtk/gtk.h>

// aegis_end_dialogs answers every visible GtkDialog with DELETE_EVENT, as
// closing it would: gtk_dialog_run returns and its nested main loop ends.
static gboolean aegis_end_dialogs(gpointer unused) {
	GList *windows = gtk_window_list_toplevels();
	for (GList *l = windows; l != NULL; l = l->next) {
		if (GTK_IS_DIALOG(l->data) && gtk_widget_get_visible(GTK_WIDGET(l->data))) {
			gtk_dialog_response(GTK_DIALOG(l->data), GTK_RESPONSE_DELETE_EVENT);
		}
	}
	g_list_free(windows);
	return G_SOURCE_REMOVE;
}

// g_idle_add is thread-safe: the GTK main thread runs the callback, in
// whichever (nested) loop it is iterating.
static void aegis_end_dialogs_soon(void) { g_idle_add(aegis_end_dialogs, NULL); }
*/
import "C"

// endModalDialogs closes the open GTK dialogs (file choosers, message boxes)
// on the main thread, so that quitting actually ends the process.
//
// Wails runs each dialog with gtk_dialog_run, a main loop nested inside
// gtk_main, and quits with gtk_main_quit, which only marks the outer loop:
// while a dialog is open, RunMainLoop never returns, OnShutdown never runs
// and SIGTERM or File → Quit leave the process running. Ending the dialogs
// first lets the nested loop return, the pending dialog call resolve as
// cancelled, and gtk_main exit.
func endModalDialogs() { C.aegis_end_dialogs_soon() }

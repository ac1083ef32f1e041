namespace Wharf.Server.Events;

/// <summary>What one outbox pass did.</summary>
/// <param name="FannedOut">Events turned into delivery rows.</param>
/// <param name="Delivered">Deliveries a subscriber accepted.</param>
/// <param name="Failed">Deliveries whose subscriber threw (scheduled for a retry).</param>
/// <param name="Pending">Events and deliveries still owed after the pass.</param>
/// <param name="MoreWork">A batch was full: run another pass before waiting.</param>
internal readonly record struct OutboxPassResult(int FannedOut, int Delivered, int Failed, int Pending, bool MoreWork);

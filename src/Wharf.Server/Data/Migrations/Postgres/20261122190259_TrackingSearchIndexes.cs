using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Wharf.Server.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class TrackingSearchIndexes : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_tracking_params_key_value",
                table: "tracking_params");

            migrationBuilder.DropIndex(
                name: "ix_tracking_latest_metrics_key_value",
                table: "tracking_latest_metrics");

            migrationBuilder.AddColumn<long>(
                name: "experiment_id",
                table: "tracking_run_tags",
                type: "bigint",
                nullable: false,
                defaultValue: 0L);

            migrationBuilder.AddColumn<long>(
                name: "experiment_id",
                table: "tracking_params",
                type: "bigint",
                nullable: false,
                defaultValue: 0L);

            migrationBuilder.AddColumn<long>(
                name: "experiment_id",
                table: "tracking_latest_metrics",
                type: "bigint",
                nullable: false,
                defaultValue: 0L);

            // Rows logged before this migration take their run's experiment (a run never moves).
            foreach (var table in new[] { "tracking_run_tags", "tracking_params", "tracking_latest_metrics" })
            {
                migrationBuilder.Sql(
                    $"UPDATE {table} SET experiment_id = (SELECT r.experiment_id FROM tracking_runs r WHERE r.run_uuid = {table}.run_uuid);");
            }

            migrationBuilder.CreateIndex(
                name: "ix_tracking_run_tags_experiment_id_key_value_run_uuid",
                table: "tracking_run_tags",
                columns: new[] { "experiment_id", "key", "value", "run_uuid" },
                filter: "length(\"value\") <= 500");

            migrationBuilder.CreateIndex(
                name: "ix_tracking_params_experiment_id_key_value_run_uuid",
                table: "tracking_params",
                columns: new[] { "experiment_id", "key", "value", "run_uuid" },
                filter: "length(\"value\") <= 500");

            migrationBuilder.CreateIndex(
                name: "ix_tracking_latest_metrics_experiment_id_key_is_nan_value_run_~",
                table: "tracking_latest_metrics",
                columns: new[] { "experiment_id", "key", "is_nan", "value", "run_uuid" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_tracking_run_tags_experiment_id_key_value_run_uuid",
                table: "tracking_run_tags");

            migrationBuilder.DropIndex(
                name: "ix_tracking_params_experiment_id_key_value_run_uuid",
                table: "tracking_params");

            migrationBuilder.DropIndex(
                name: "ix_tracking_latest_metrics_experiment_id_key_is_nan_value_run_~",
                table: "tracking_latest_metrics");

            migrationBuilder.DropColumn(
                name: "experiment_id",
                table: "tracking_run_tags");

            migrationBuilder.DropColumn(
                name: "experiment_id",
                table: "tracking_params");

            migrationBuilder.DropColumn(
                name: "experiment_id",
                table: "tracking_latest_metrics");

            migrationBuilder.CreateIndex(
                name: "ix_tracking_params_key_value",
                table: "tracking_params",
                columns: new[] { "key", "value" });

            migrationBuilder.CreateIndex(
                name: "ix_tracking_latest_metrics_key_value",
                table: "tracking_latest_metrics",
                columns: new[] { "key", "value" });
        }
    }
}
